// Lets the root typecheck resolve the package without installing it (see ./types.ts).
declare module "@shopify/web-pixels-extension" {
  export const register: (extend: (api: import("./types").ExtensionApi) => void) => void;
}
