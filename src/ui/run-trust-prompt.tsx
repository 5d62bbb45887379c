import { render } from 'ink';
import { TrustPrompt, type TrustAnswer, type TrustPromptProps } from './TrustPrompt';

/** Shows the trust prompt on its own, before the main UI starts, and resolves with the answer. */
export async function askTrust(options: Omit<TrustPromptProps, 'onAnswer'>): Promise<TrustAnswer> {
  let resolveAnswer!: (answer: TrustAnswer) => void;
  const answered = new Promise<TrustAnswer>((resolve) => (resolveAnswer = resolve));
  // Ctrl+C is one of the prompt's answers, so Ink must not take it first.
  const instance = render(<TrustPrompt {...options} onAnswer={resolveAnswer} />, { exitOnCtrlC: false, interactive: Boolean(process.stdout.isTTY) });
  const answer = await answered;
  instance.unmount();
  await instance.waitUntilExit();
  return answer;
}
