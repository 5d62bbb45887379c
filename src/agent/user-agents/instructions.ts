import { BATCHING } from '../prompts';
import { describeCommandRules } from './command-rules';
import type { UserAgent } from './definition';

const DENIED = 'if one is denied, do not retry it unchanged: adjust, or say in your report what you could not do.';

/** What the agent is told of its writes and commands, by its permissionMode. */
const WRITE_RULES: Readonly<Record<NonNullable<UserAgent['permissionMode']> | 'default', string>> = {
  default: `Every write and command you make is shown to the user for approval; ${DENIED}`,
  plan: 'You are planning: your writes and commands will not run. Research with reads, then report the plan: the steps, the files each touches, and how to check the result.',
  'dont-ask': `Writes and commands the user has allowed run; any other is denied without asking the user; ${DENIED}`,
  'auto-edit': `Your file edits run without asking; commands may be shown to the user for approval; ${DENIED}`,
  yolo: `Your writes and commands run without asking the user (protected files still ask); ${DENIED}`,
};

/**
 * A user's agent's instructions: its own prompt (the file's body) first, then
 * what shoal tells every sub-agent: where it works, which tools it has, that
 * its calls batch, and that it ends with a report for the main agent.
 */
export function userAgentInstructions(options: { agent: UserAgent; cwd: string }): string {
  const { agent } = options;
  const tools = agent.tools.length > 0 ? toolList(agent) : 'none';
  const rules = agent.canWrite ? WRITE_RULES[agent.permissionMode ?? 'default'] : 'You cannot change files or run commands.';
  return [
    ...(agent.prompt ? [agent.prompt] : []),
    `## How you run
You are "${agent.name}", a sub-agent of shoal working in the repository at ${options.cwd}, doing one task for the main agent. Your tools: ${tools}. ${rules}`,
    BATCHING,
    `## Report
When you are done, reply without tool calls with a concise report for the main agent: what you found or changed, citing paths as path:line. Say plainly what you could not do.`,
  ].join('\n\n');
}

/** The agent's tools as a line: bash with the commands its file allows, when it names some. */
export function toolList(agent: Pick<UserAgent, 'tools' | 'commandRules'>): string {
  return agent.tools.map((name) => (name === 'bash' && agent.commandRules ? `bash (only ${describeCommandRules(agent.commandRules)})` : name)).join(', ');
}
