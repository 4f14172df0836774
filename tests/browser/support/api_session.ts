/** The REST API from the test side, as a signed-in user would call it (Basic auth + CSRF token). */
export interface ApiSession {
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export function apiSession(baseUrl: string, username: string, password: string): ApiSession {
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(baseUrl + path, { headers: { Authorization: authorization } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    get,
    async post<T>(path: string, body?: unknown) {
      const { token } = await get<{ token: string }>('/api/security/csrf');
      const response = await fetch(baseUrl + path, {
        method: 'POST',
        headers: { Authorization: authorization, 'X-CSRF-Token': token, 'Content-Type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    },
  };
}
