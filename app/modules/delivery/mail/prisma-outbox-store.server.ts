// The local outbox's store (outbox-transport.ts) in the database: one OutboxEmail row per ledger
// id, so the admin and the CLI can list and preview what would have gone out. Saving the same
// message again (an engine retry after a crash between save and "mark sent") is a no-op: the
// first stored version stays.
import { randomUUID } from "node:crypto";
import { Prisma, type Db } from "~/db.server";
import { dateParam, dialectOf, insertIgnoringConflicts } from "~/lib/raw-sql.server";
import { isTransientDbError, isUniqueViolation } from "~/lib/db-errors";
import type { OutboxStore } from "./outbox-transport";
import { CUSTOM_ARG, customArgsOf, type OutgoingMessage } from "./transport";

const MAX_ATTEMPTS = 6;

/** What OutboxEmail.headers holds (JSON): the headers and custom args as the provider would get them. */
export interface OutboxEnvelope {
  headers: Record<string, string>;
  customArgs: Record<string, string>;
  categories: string[];
  toName: string | null;
}

export function createPrismaOutboxStore(db: Db, shopId: string): OutboxStore {
  async function saveOnce(messages: OutgoingMessage[]): Promise<void> {
    await db.$transaction(async (tx) => {
      const ids = [...new Set(messages.map((m) => m.messageId))];
      const existing = await tx.outboxEmail.findMany({
        where: { messageId: { in: ids } },
        select: { messageId: true, shopId: true },
      });
      const foreign = existing.find((row) => row.shopId !== shopId);
      if (foreign) throw new Error(`outbox: message ${foreign.messageId} is stored for another shop`);
      const seen = new Set(existing.map((row) => row.messageId));
      const fresh: OutgoingMessage[] = [];
      for (const message of messages) {
        if (seen.has(message.messageId)) continue;
        seen.add(message.messageId);
        fresh.push(message);
      }
      if (fresh.length === 0) return;
      // One multi-row insert: the rendered emails are large, and Prisma's createMany handles
      // each row's strings several times over (docs/benchmarks.md, the tick).
      const dialect = dialectOf(tx);
      const now = dateParam(dialect, new Date());
      await insertIgnoringConflicts(
        tx,
        "OutboxEmail",
        [
          "id",
          "shopId",
          "messageId",
          "toEmail",
          "fromEmail",
          "fromName",
          "subject",
          "html",
          "text",
          "headers",
          "createdAt",
        ],
        fresh.map((m) => {
          const envelope: OutboxEnvelope = {
            headers: m.headers,
            customArgs: customArgsOf(m),
            categories: m.categories ?? [],
            toName: m.to.name ?? null,
          };
          return [
            randomUUID(),
            shopId,
            m.messageId,
            m.to.email,
            m.from.email,
            m.from.name,
            m.subject,
            m.html,
            m.text,
            JSON.stringify(envelope),
          ]
            .map((value) => Prisma.sql`${value}`)
            .concat(now);
        }),
        ["messageId"],
      );
    });
  }

  return {
    async save(messages: OutgoingMessage[]): Promise<void> {
      const misplaced = messages.find((m) => m.customArgs[CUSTOM_ARG.shopId] !== shopId);
      if (misplaced)
        throw new Error(`outbox: message ${misplaced.messageId} names another shop in custom arg ${CUSTOM_ARG.shopId}`);
      if (messages.length === 0) return;
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await saveOnce(messages);
        } catch (error) {
          // A concurrent save of the same message won the insert; retried, it sees the row. Or
          // SQLite refused to upgrade this read transaction to a write because another
          // connection committed first (WAL's SQLITE_BUSY, which skips the busy timeout).
          const retryable = isUniqueViolation(error) || isTransientDbError(error);
          if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
        }
      }
    },
  };
}
