/** Where Ollama listens by default. */
export const OLLAMA_BASE_URL = 'http://127.0.0.1:11434/v1';

/**
 * Asks whether a local OpenAI-compatible server (Ollama) answers on its usual
 * port, and if so returns a line offering it. Never picks it on its own: the
 * user decides with --base-url. Resolves undefined on any failure, quickly.
 */
export async function probeLocalServer(options: { baseUrl?: string; timeoutMs?: number } = {}): Promise<string | undefined> {
  const baseUrl = options.baseUrl ?? OLLAMA_BASE_URL;
  try {
    const response = await fetch(`${baseUrl}/models`, { signal: AbortSignal.timeout(options.timeoutMs ?? 400) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { data?: { id?: string }[] };
    const models = (body.data ?? []).map((model) => model.id).filter((id): id is string => typeof id === 'string');
    const example = models[0] ?? 'MODEL';
    const list = models.length > 0 ? ` (${models.slice(0, 5).join(', ')}${models.length > 5 ? ', …' : ''})` : '';
    return `A local model server answers at ${baseUrl}${list}: use it with --base-url ${baseUrl} --model ${example}`;
  } catch {
    return undefined;
  }
}
