/**
 * The name of the page 「排班模拟」, apart from its other text: the entry chunk (page title, loading line)
 * and the links to it on the admin and report pages need only this, not the page's strings.
 */
export const simulationTitle = { zh: '排班模拟', en: 'Staffing simulation' } as const;
