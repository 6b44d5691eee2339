import { describe, expect, it } from 'vitest';
import { serverAddresses, startupBanner } from '../../server/startup/banner.js';

const interfaces = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '00:00:00:00:00:00', cidr: '127.0.0.1/8' }],
  eth0: [
    { address: '192.168.1.10', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '52:54:00:00:00:01', cidr: '192.168.1.10/24' },
    { address: 'fe80::1', family: 'IPv6', internal: false, netmask: 'ffff:ffff:ffff:ffff::', mac: '52:54:00:00:00:01', cidr: 'fe80::1/64', scopeid: 2 },
  ],
  wlan0: [{ address: '10.0.0.7', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '52:54:00:00:00:02', cidr: '10.0.0.7/24' }],
} as const;

describe('start-up banner', () => {
  it('lists every LAN IPv4 address and localhost when listening on all interfaces; only the one address otherwise', () => {
    expect(serverAddresses('0.0.0.0', 3000, interfaces as never)).toEqual(['http://192.168.1.10:3000', 'http://10.0.0.7:3000', 'http://localhost:3000']);
    expect(serverAddresses('127.0.0.1', 8080, interfaces as never)).toEqual(['http://127.0.0.1:8080']);
  });

  it('names each page of each hall, the store without its password, and the data directory', () => {
    const text = startupBanner({
      host: '0.0.0.0',
      port: 3000,
      dataDir: '/var/lib/hallq',
      redisUrl: 'redis://:s3cret@10.0.0.2:6379/0',
      halls: [{ id: 'qingshan', name: '青山镇便民服务中心', timeZone: 'Asia/Shanghai' }],
      demo: false,
      interfaces: interfaces as never,
    });
    expect(text).toContain('综合屏 Board:          http://192.168.1.10:3000/display?hall=qingshan  http://10.0.0.7:3000/display?hall=qingshan  http://localhost:3000/display?hall=qingshan');
    expect(text).toContain('取号机 Kiosk:          http://192.168.1.10:3000/kiosk?hall=qingshan');
    expect(text).toContain('呼叫器 Counter:        http://192.168.1.10:3000/counter?hall=qingshan');
    expect(text).toContain('管理 Admin:            http://192.168.1.10:3000/admin?hall=qingshan');
    expect(text).toContain('存储 Store:              Redis redis://:***@10.0.0.2:6379/0');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('数据目录 Data directory: /var/lib/hallq');
    expect(text).not.toContain('demo1234');
  });

  it('without a hall, points to the admin page; with many, lists five and points to the home page', () => {
    const none = startupBanner({ host: '127.0.0.1', port: 3000, dataDir: 'data', halls: [], demo: false });
    expect(none).toContain('管理页面 Admin:          http://127.0.0.1:3000/admin');
    expect(none).toContain('新建服务大厅');
    const halls = Array.from({ length: 7 }, (_, i) => ({ id: `h${i}`, name: `大厅${i}`, timeZone: 'Asia/Shanghai' }));
    const many = startupBanner({ host: '127.0.0.1', port: 3000, dataDir: 'data', halls, demo: true });
    expect(many).toContain('/display?hall=h4');
    expect(many).not.toContain('/display?hall=h5');
    expect(many).toContain('另有 2 个大厅');
    expect(many).toContain('demo1234');
  });
});
