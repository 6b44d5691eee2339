/** Names and hall layout shared by the bench process and the server child. */
import type { HallConfig, WindowConfig } from '../../../server/protocol/model.js';

export function benchHallId(index: number): string {
  return `bench-${String(index + 1).padStart(3, '0')}`;
}

export function benchWindowId(index: number): string {
  return String(index + 1);
}

/**
 * A bench hall: the demo hall's 17 services and policy, with `windows` windows
 * that each serve every service ("一窗式"), so any window can call any waiting ticket.
 * `demoHallConfig` is passed in so the server child can use the build it runs (dist or src).
 */
export function benchHallConfig(demoHallConfig: () => HallConfig, index: number, windows: number): HallConfig {
  const config = demoHallConfig();
  const template = config.windows;
  const all = config.services.map((service) => ({ serviceId: service.id, tier: 1 }));
  const built: WindowConfig[] = [];
  for (let w = 0; w < windows; w++) {
    const like = template[w % template.length]!;
    built.push({
      ...like,
      id: benchWindowId(w),
      number: w + 1,
      name: `${like.name}${w >= template.length ? '（二）' : ''}`,
      services: all.map((s) => ({ ...s })),
    });
  }
  return { ...config, id: benchHallId(index), name: `压测大厅 ${String(index + 1).padStart(3, '0')}`, windows: built };
}
