// Session tokens for the browser tests: the same minting the offline demo uses.
export { adminHostParam, mintSessionToken } from "~/cli/session-token";
