CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`platform` text NOT NULL,
	`actor_id` integer,
	`actor_label` text NOT NULL,
	`action` text NOT NULL,
	`post_id` integer,
	`revision_id` integer,
	`details` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revision_id`) REFERENCES `revisions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `chat_messages` (
	`id` integer PRIMARY KEY NOT NULL,
	`post_id` integer NOT NULL,
	`platform` text NOT NULL,
	`purpose` text NOT NULL,
	`channel_id` text NOT NULL,
	`message_id` text NOT NULL,
	`reference` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_messages_post_purpose` ON `chat_messages` (`post_id`,`platform`,`purpose`);--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` integer PRIMARY KEY NOT NULL,
	`post_id` integer NOT NULL,
	`revision_id` integer NOT NULL,
	`approver_id` integer NOT NULL,
	`kind` text NOT NULL,
	`comment` text,
	`platform` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revision_id`) REFERENCES `revisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`approver_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `decisions_post_revision_approver` ON `decisions` (`post_id`,`revision_id`,`approver_id`);--> statement-breakpoint
CREATE TABLE `metric_snapshots` (
	`id` integer PRIMARY KEY NOT NULL,
	`publication_id` integer NOT NULL,
	`taken_at` integer NOT NULL,
	`likes` integer,
	`comments` integer,
	`shares` integer,
	`impressions` integer,
	`clicks` integer,
	`saves` integer,
	FOREIGN KEY (`publication_id`) REFERENCES `publications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `metric_snapshots_publication_taken` ON `metric_snapshots` (`publication_id`,`taken_at`);--> statement-breakpoint
CREATE INDEX `metric_snapshots_taken` ON `metric_snapshots` (`taken_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`platform_user_id` text NOT NULL,
	`display_name` text NOT NULL,
	`timezone` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_platform_user` ON `people` (`platform`,`platform_user_id`);--> statement-breakpoint
CREATE TABLE `posts` (
	`id` integer PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`author_id` integer NOT NULL,
	`current_revision_id` integer DEFAULT 0 NOT NULL,
	`publish_at` integer,
	`publish_zone` text NOT NULL,
	`origin_platform` text NOT NULL,
	`reminded_for` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`author_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `posts_status_publish_at` ON `posts` (`status`,`publish_at`);--> statement-breakpoint
CREATE INDEX `posts_author` ON `posts` (`author_id`);--> statement-breakpoint
CREATE TABLE `publications` (
	`id` integer PRIMARY KEY NOT NULL,
	`post_id` integer NOT NULL,
	`revision_id` integer NOT NULL,
	`network` text NOT NULL,
	`status` text NOT NULL,
	`due_at` integer NOT NULL,
	`claim_owner` text,
	`lease_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`external_id` text,
	`url` text,
	`last_error` text,
	`checkpoint` text,
	`published_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revision_id`) REFERENCES `revisions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publications_post_network` ON `publications` (`post_id`,`network`);--> statement-breakpoint
CREATE INDEX `publications_open_due` ON `publications` (`status`,`due_at`) WHERE status IN ('scheduled', 'publishing');--> statement-breakpoint
CREATE INDEX `publications_published_at` ON `publications` (`published_at`) WHERE published_at IS NOT NULL;--> statement-breakpoint
CREATE TABLE `revisions` (
	`id` integer PRIMARY KEY NOT NULL,
	`post_id` integer NOT NULL,
	`number` integer NOT NULL,
	`text` text NOT NULL,
	`networks` text NOT NULL,
	`media_url` text,
	`content_hash` text NOT NULL,
	`author_id` integer NOT NULL,
	`ai_assisted` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `revisions_post_number` ON `revisions` (`post_id`,`number`);