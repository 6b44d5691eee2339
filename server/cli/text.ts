import type { ErrorBody } from '../protocol/errors.js';
import { type Lang, messageFor } from '../protocol/messages.js';

/** What the command line says, in plain Chinese (default) or English (--lang en, HALLQ_LANG=en). */
export const cliText = {
  zh: {
    usage: [
      '用法：npm run hallq -- <命令>',
      '  halls list [--archived]                              列出服务大厅',
      '  halls create --template 模板 --id 编号 --name 名称 [--time-zone 时区]   按模板新建大厅',
      '  halls export 编号 > 文件.json                          导出大厅配置',
      '  halls import 文件.json [--id 编号] [--name 名称]        按配置文件新建大厅',
      '  admin reset-password [--username admin]              重设管理员密码',
      '  backup 文件                                           在线备份 SQLite 数据库',
      '模板：township-8（乡镇 8 窗口）、street-one-window（街道一窗式）、blank（空白大厅）',
      '数据位置与服务器相同：HALLQ_DATA_DIR（默认 ./data）或 HALLQ_REDIS_URL，也可用 --data-dir、--redis-url、--config。',
    ],
    error: '错误：',
    unknownCommand: (command: string) => `未知命令“${command}”，运行 npm run hallq -- help 查看用法。`,
    missingOption: (name: string) => `缺少 --${name}。`,
    missingArgument: (name: string) => `缺少${name}。`,
    noHalls: '还没有服务大厅。用 npm run hallq -- halls create --template township-8 --id 编号 --name 名称 新建一个。',
    archived: '（已停止服务）',
    created: (id: string, name: string) => `已新建服务大厅 ${id}（${name}）。`,
    pages: (id: string) => `综合屏 /display?hall=${id}  取号机 /kiosk?hall=${id}  呼叫器 /counter?hall=${id}  管理 /admin?hall=${id}`,
    hallNotFound: (id: string) => `找不到服务大厅 ${id}。`,
    unreadable: (file: string, reason: string) => `无法读取文件 ${file}（${reason}）。`,
    notJson: (file: string, reason: string) => `文件 ${file} 不是有效的 JSON（${reason}）。`,
    notConfig: (file: string) => `文件 ${file} 不是大厅配置文件（应为 halls export 导出的 JSON 对象）。`,
    noAccount: (username: string) => `没有用户名为 ${username} 的账户（先启动一次服务器，它会创建 admin 账户）。`,
    passwordReset: (username: string, password: string) => `已重设 ${username} 的密码。新密码：${password}`,
    passwordHint: '请妥善保管；首次登录时须改为新密码。',
    backupDone: (file: string, pages: number) => `已备份到 ${file}（${pages} 页，数据库在使用中也能备份）。`,
    backupExists: (file: string) => `文件 ${file} 已存在，未覆盖；请换一个文件名。`,
    noDatabase: (file: string) => `数据库 ${file} 不存在（数据目录对吗？）。`,
    backupRedis: [
      '当前使用 Redis 存储（HALLQ_REDIS_URL），本命令不备份 Redis，未写任何文件。',
      'Redis 的备份由 Redis 自己完成：',
      '  - 开启 AOF（appendonly yes，appendfsync everysec），再定期复制 appendonlydir 目录；或',
      '  - 执行 redis-cli BGSAVE，等 LASTSAVE 时间更新后复制 dump.rdb。',
      '详见 docs/deploy.md。',
    ],
    storeUnavailable: (reason: string) => `无法打开数据存储：${reason}`,
  },
  en: {
    usage: [
      'Usage: npm run hallq -- <command>',
      '  halls list [--archived]                              list the halls',
      '  halls create --template T --id ID --name NAME [--time-zone TZ]   create a hall from a template',
      '  halls export ID > file.json                          export a hall\'s configuration',
      '  halls import file.json [--id ID] [--name NAME]       create a hall from a configuration file',
      '  admin reset-password [--username admin]              reset an account\'s password',
      '  backup FILE                                          online copy of the SQLite database',
      'Templates: township-8, street-one-window, blank',
      'Data as the server finds it: HALLQ_DATA_DIR (default ./data) or HALLQ_REDIS_URL; or --data-dir, --redis-url, --config.',
    ],
    error: 'Error: ',
    unknownCommand: (command: string) => `Unknown command "${command}"; run npm run hallq -- help for the usage.`,
    missingOption: (name: string) => `--${name} is missing.`,
    missingArgument: (name: string) => `The ${name} is missing.`,
    noHalls: 'There are no halls yet. Create one: npm run hallq -- halls create --template township-8 --id ID --name NAME',
    archived: ' (no longer in service)',
    created: (id: string, name: string) => `Created hall ${id} (${name}).`,
    pages: (id: string) => `Board /display?hall=${id}  Kiosk /kiosk?hall=${id}  Counter /counter?hall=${id}  Admin /admin?hall=${id}`,
    hallNotFound: (id: string) => `No hall ${id}.`,
    unreadable: (file: string, reason: string) => `Cannot read ${file} (${reason}).`,
    notJson: (file: string, reason: string) => `${file} is not valid JSON (${reason}).`,
    notConfig: (file: string) => `${file} is not a hall configuration (expected the JSON object halls export writes).`,
    noAccount: (username: string) => `No account named ${username} (start the server once: it creates the admin account).`,
    passwordReset: (username: string, password: string) => `Reset the password of ${username}. New password: ${password}`,
    passwordHint: 'Keep it safe; it must be changed at the next sign-in.',
    backupDone: (file: string, pages: number) => `Backed up to ${file} (${pages} pages; the database may be in use meanwhile).`,
    backupExists: (file: string) => `${file} exists and was not overwritten; choose another file name.`,
    noDatabase: (file: string) => `There is no database at ${file} (is the data directory right?).`,
    backupRedis: [
      'This server stores its data in Redis (HALLQ_REDIS_URL); this command does not back up Redis and wrote no file.',
      'Redis backs itself up:',
      '  - turn on AOF (appendonly yes, appendfsync everysec) and copy the appendonlydir directory regularly; or',
      '  - run redis-cli BGSAVE, wait until LASTSAVE changes, then copy dump.rdb.',
      'See docs/deploy.md.',
    ],
    storeUnavailable: (reason: string) => `Cannot open the data store: ${reason}`,
  },
} as const;

export type CliText = (typeof cliText)[Lang];

/** A refusal of the server's own rules (bad id, duplicate, invalid config …) as one line: message, then what exactly. */
export function refusalLine(error: ErrorBody, lang: Lang): string {
  const details = error.details ?? {};
  const specifics: string[] = [];
  if (typeof details.reason === 'string') specifics.push(details.reason);
  if (Array.isArray(details.issues)) {
    for (const issue of details.issues as Array<{ path: string; message: string }>) specifics.push(`${issue.path}: ${issue.message}`);
  }
  for (const key of ['id', 'hallId', 'template', 'serviceId', 'windowId', 'prefix', 'timeZone', 'file'] as const) {
    if (typeof details[key] === 'string') specifics.push(`${key}=${details[key]}`);
  }
  const more = specifics.length > 0 ? (lang === 'zh' ? `（${specifics.join('；')}）` : ` (${specifics.join('; ')})`) : '';
  return `${messageFor(error.code, lang)}${more} [${error.code}]`;
}
