import type { NotifyKind } from './store.js';

/**
 * The messages' words. SMS in China goes out under a registered template, so halls usually put the
 * wording in the cloud's template and send only the parameters; `{text}` is for gateways that take
 * free text (and for the log).
 */
export function messageText(kind: NotifyKind, values: { hall: string; number: string; window: string; ahead: number }): string {
  if (kind === 'called') return `【${values.hall}】请 ${values.number} 号到 ${values.window} 号窗口办理。`;
  return `【${values.hall}】您的号码 ${values.number} 前面还有 ${values.ahead} 人，请回到大厅留意叫号。`;
}
