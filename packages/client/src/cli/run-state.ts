// The server URL of the command being run, kept where main.ts can read it
// to name the server in an error line, whatever the command threw.

let currentUrl = '';

export const rememberServerUrl = (url: string): void => {
  currentUrl = url;
};

export const serverUrl = (): string => currentUrl;
