// "Are you sure?" for spoilers and resets, outside watch mode.
import * as clack from "@clack/prompts";

export async function confirm(message: string): Promise<boolean> {
  const answer = await clack.confirm({ message, initialValue: false });
  return answer === true;
}
