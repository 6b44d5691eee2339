import type { HallSummary } from '../protocol/viewTypes.js';
import type { Lang } from '../protocol/messages.js';

/** The page's one inline style; the Content-Security-Policy allows exactly this text by its hash. */
export const HOME_STYLE = `
  body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", system-ui, sans-serif; background: #0b1020; color: #e8ecf4; margin: 0; }
  main { max-width: 48rem; margin: 0 auto; padding: 3rem 1.5rem; line-height: 1.7; }
  h1 { font-size: 2.2rem; margin-bottom: 0.25rem; }
  ul.halls { list-style: none; padding: 0; display: grid; gap: 1rem; }
  a { color: #8fb4ff; }
  code { color: #9aa6c0; }
  .muted { color: #9aa6c0; }
`;

/** The words of the home page `/`, Simplified Chinese by default, English with ?lang=en. */
const HOME_TEXT = {
  zh: {
    title: 'HallQ 排队叫号系统',
    tagline: '便民服务中心实时排队叫号与综合屏',
    halls: '服务大厅',
    board: '综合屏',
    kiosk: '取号机',
    counter: '窗口呼叫器',
    supervisor: '大厅监控',
    admin: '管理',
    noHalls: '还没有服务大厅。管理员登录管理页面即可新建：',
    adminLink: '打开管理页面',
    health: '健康检查',
    otherLanguage: 'English',
    otherLanguageHref: '/?lang=en',
  },
  en: {
    title: 'HallQ queue system',
    tagline: 'Real-time queues and display boards for government service halls.',
    halls: 'Service halls',
    board: 'Board',
    kiosk: 'Kiosk',
    counter: 'Counter panel',
    supervisor: 'Supervisor view',
    admin: 'Administration',
    noHalls: 'There is no hall yet. An administrator creates one in the administration pages:',
    adminLink: 'Open the administration pages',
    health: 'Health',
    otherLanguage: '中文',
    otherLanguageHref: '/',
  },
} as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The home page: the halls in service with the links to their pages (no demo links unless the demo hall exists). */
export function homePage(halls: readonly HallSummary[], lang: Lang): string {
  const t = HOME_TEXT[lang];
  const q = lang === 'en' ? '&amp;lang=en' : '';
  const rows = halls
    .map((hall) => {
      const id = encodeURIComponent(hall.id);
      const name = escapeHtml(lang === 'en' && hall.nameAlt ? hall.nameAlt : hall.name);
      const links: Array<[string, string]> = [
        [`/display?hall=${id}${q}`, t.board],
        [`/kiosk?hall=${id}${q}`, t.kiosk],
        [`/counter?hall=${id}${q}`, t.counter],
        [`/counter/supervisor?hall=${id}${q}`, t.supervisor],
        [`/admin?hall=${id}${q}`, t.admin],
      ];
      return `<li data-hall="${escapeHtml(hall.id)}"><strong>${name}</strong> <code>${escapeHtml(hall.id)}</code><br>${links
        .map(([href, label]) => `<a href="${href}">${label}</a>`)
        .join(' · ')}</li>`;
    })
    .join('\n');
  const body =
    halls.length > 0
      ? `<ul class="halls">\n${rows}\n</ul>`
      : `<p>${t.noHalls} <a href="/admin${lang === 'en' ? '?lang=en' : ''}">${t.adminLink}</a></p>`;
  return `<!doctype html>
<html lang="${lang === 'en' ? 'en' : 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title}</title>
<style>${HOME_STYLE}</style>
</head>
<body>
<main>
<h1>${t.title}</h1>
<p class="muted">${t.tagline} <a href="${t.otherLanguageHref}">${t.otherLanguage}</a></p>
<h2>${t.halls}</h2>
${body}
<p class="muted"><a href="/healthz">${t.health}</a></p>
</main>
</body>
</html>
`;
}
