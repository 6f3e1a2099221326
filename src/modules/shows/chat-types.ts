export const CHAT_KINDS = ['chat', 'announcement', 'bot', 'system'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

export interface ChatMessage {
  readonly id: string;
  readonly showId: string;
  readonly userId: string | null;
  readonly userName: string;
  readonly text: string;
  readonly kind: ChatKind;
  /** Profanity was masked in this line. */
  readonly flagged: boolean;
  readonly at: string;
  /** For bot answers: the line answered. */
  readonly replyTo?: string;
}

/** Ephemeral subjects on the bus (core NATS across nodes, in-process when embedded). */
export const SUBJECTS = {
  chat: 'show.chat',
  chatDeleted: 'show.chat.deleted',
  moderation: 'show.moderation',
  reactions: 'show.reactions',
  question: 'show.question',
  userNotice: 'user.notice',
} as const;

export interface ModerationNotice {
  readonly showId: string;
  readonly userId: string;
  readonly action: 'mute' | 'ban' | 'unmute' | 'unban';
  readonly until: number | null;
}

export interface UserNotice {
  readonly userId: string;
  readonly ev: string;
  readonly data: unknown;
}
