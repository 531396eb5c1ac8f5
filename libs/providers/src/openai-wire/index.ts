export * from './chat-completion-request';
export * from './chat-completion-response';
export * from './chat-completion-chunk';
export * from './openai-error-body';
export * from './chat-completion-params';
