import type { SenderIdentity } from "./types";

/** A marketing email without the sender's name, postal address and contact is illegal to send. */
export class SenderIdentityMissingError extends Error {
  constructor(readonly missing: (keyof SenderIdentity)[]) {
    super(
      `sender identity incomplete: ${missing.join(", ")} missing (required by the Specified Electronic Mail Act and CAN-SPAM)`,
    );
    this.name = "SenderIdentityMissingError";
  }
}

/** A marketing email without a working unsubscribe link is illegal to send. */
export class UnsubscribeLinkMissingError extends Error {
  constructor() {
    super("unsubscribe link missing: every marketing email needs one");
    this.name = "UnsubscribeLinkMissingError";
  }
}
