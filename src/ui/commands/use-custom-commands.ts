import { useEffect, useRef, useState } from 'react';
import type { CommandFolderRead } from '../../config/commands';
import { isBuiltinCommand } from './commands';
import { buildCommandSet, expandCommand, splitCommandLine, type CustomCommandSet } from './custom-commands';

/** The custom slash commands: loaded after the first frame, then resolved on each `/name`. */
export interface CustomCommands {
  set: CustomCommandSet;
  /** Resolves once the files are read (at once when there is nothing to read). */
  loaded: Promise<void>;
  /** Read at call time, not render time: a resubmit right after the load must not wait again. */
  isLoaded: () => boolean;
  /** The prompt `/name args` sends, or undefined when `name` is no custom command (or a built-in one). */
  expand: (text: string) => string | undefined;
}

const EMPTY: CustomCommandSet = { commands: new Map(), hidden: [] };

/**
 * Reads the commands once, after the first frame (never on its path), and
 * reports each file it ignored through `onNote`.
 * Contract: `load` never rejects.
 */
export function useCustomCommands({ load, onNote }: { load?: () => Promise<CommandFolderRead>; onNote: (note: string) => void }): CustomCommands {
  const [set, setSet] = useState(EMPTY);
  // Read by `expand` too: a command typed before the load finished is resolved right after it, before React re-renders.
  const current = useRef(EMPTY);
  const loaded = useRef<{ promise: Promise<void>; resolve: () => void } | undefined>(undefined);
  if (!loaded.current) {
    let resolve = () => {};
    const promise = load ? new Promise<void>((settle) => (resolve = settle)) : Promise.resolve();
    loaded.current = { promise, resolve };
  }
  useEffect(() => {
    if (!load) return;
    let isMounted = true;
    void load().then(({ files, notes }) => {
      if (!isMounted) return;
      current.current = buildCommandSet({ files, isBuiltin: isBuiltinCommand });
      setSet(current.current);
      for (const note of notes) onNote(note);
      loaded.current!.resolve();
    });
    return () => {
      isMounted = false;
    };
  }, []);
  return {
    set,
    loaded: loaded.current.promise,
    isLoaded: () => !load || current.current !== EMPTY,
    expand: (text) => {
      const { name, args } = splitCommandLine(text);
      const command = isBuiltinCommand(name) ? undefined : current.current.commands.get(name);
      return command && expandCommand(command.body, args);
    },
  };
}
