// The floor under the TUI's first frame and idle memory: a minimal Ink app, a
// bordered prompt box that echoes keys, rendered with the options shoal's TUI
// uses (src/ui/run-tui.tsx). Its first frame holds "shoal", as shoal's does.
import { Box, render, Text, useInput } from 'ink';
import { useState } from 'react';

function Prompt() {
  const [text, setText] = useState('');
  useInput((input) => setText((previous) => previous + input));
  return (
    <Box borderStyle="round" paddingX={1}>
      <Text dimColor={text === ''}>{text === '' ? 'Ask shoal…' : text}</Text>
    </Box>
  );
}

render(<Prompt />, { exitOnCtrlC: true, maxFps: 30, interactive: Boolean(process.stdout.isTTY) });
