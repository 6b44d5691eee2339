/**
 * A browser as the SSO tests need one, driven over HTTP: redirects followed by hand, cookies kept
 * per host name (as browsers do: not per port, so HallQ's processes behind one address share
 * them), the provider's login and consent forms submitted. Each browser comes from its own client
 * address (X-Forwarded-For, believed by a HallQ that trusts one proxy hop), so the per-address
 * login limit counts each browser apart.
 */
export class OidcBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  constructor(readonly address: string) {}

  /** The value of a cookie this browser holds for `url`'s host. */
  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).hostname)?.get(name);
  }

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.jar.get(target.hostname) ?? new Map<string, string>();
    const cookies = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), 'x-forwarded-for': this.address, ...(cookies ? { cookie: cookies } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute) || /^\s*max-age=0\b/i.test(attribute));
      if (expired) jar.delete(name!.trim());
      else jar.set(name!.trim(), value.join('='));
    }
    this.jar.set(target.hostname, jar);
    return response;
  }

  /** Follows redirects until one goes to an address starting with `stopAt`, or a page answers. */
  async follow(url: string, stopAt: string, init: RequestInit = {}): Promise<{ url: string; response: Response }> {
    let current = url;
    let response = await this.get(current, init);
    for (let hop = 0; hop < 20 && response.status >= 300 && response.status < 400; hop++) {
      current = new URL(response.headers.get('location')!, current).href;
      if (current.startsWith(stopAt)) return { url: current, response };
      response = await this.get(current);
    }
    return { url: current, response };
  }

  async submit(pageUrl: string, html: string, fields: Record<string, string>, stopAt: string): Promise<{ url: string; response: Response }> {
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)![1]!;
    return this.follow(new URL(action, pageUrl).href, stopAt, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt, ...fields }).toString(),
    });
  }

  /**
   * From 「统一身份认证登录」 (`startUrl`) through the provider's login and consent pages, up to the
   * redirect to HallQ's callback, which is returned unvisited (`hallqUrl`: HallQ's address).
   */
  async signInAtProvider(startUrl: string, hallqUrl: string, login: string): Promise<string> {
    const loginPage = await this.follow(startUrl, hallqUrl);
    const html = await loginPage.response.text();
    if (!html.includes('name="login"')) throw new Error(`no login page at ${loginPage.url}: ${loginPage.response.status} ${html.slice(0, 200)}`);
    const consent = await this.submit(loginPage.url, html, { login, password: 'any' }, hallqUrl);
    if (consent.url.startsWith(hallqUrl)) return consent.url;
    return (await this.submit(consent.url, await consent.response.text(), {}, hallqUrl)).url;
  }
}
