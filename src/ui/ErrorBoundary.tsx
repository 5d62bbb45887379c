import { Text } from 'ink';
import { Component, type ReactNode } from 'react';

export interface ErrorBoundaryProps {
  /** What failed to render, for the error row ("this step", "the transcript"). */
  what: string;
  children: ReactNode;
}

/** Catches a render error below it and shows one red row instead of crashing the whole UI. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return <Text color="red">{`✗ could not show ${this.props.what}: ${this.state.error.message}`}</Text>;
    }
    return this.props.children;
  }
}
