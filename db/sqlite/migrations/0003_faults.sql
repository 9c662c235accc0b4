CREATE TABLE `chat_outbox` (
	`id` integer PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`lane` text NOT NULL,
	`kind` text NOT NULL,
	`post_id` integer,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`outcome_unknown` integer DEFAULT false NOT NULL,
	`progress` text,
	`last_error` text,
	`claim_owner` text,
	`lease_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `chat_outbox_pending` ON `chat_outbox` (`platform`,`next_attempt_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `chat_outbox_lane` ON `chat_outbox` (`lane`,`id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `chat_outbox_done` ON `chat_outbox` (`updated_at`) WHERE status <> 'pending';--> statement-breakpoint
CREATE TABLE `greenlight_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `seen_requests` (
	`key` text PRIMARY KEY NOT NULL,
	`seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `seen_requests_seen_at` ON `seen_requests` (`seen_at`);--> statement-breakpoint
ALTER TABLE `publications` ADD `sending_at` integer;