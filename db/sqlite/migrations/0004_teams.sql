CREATE TABLE `chat_conversations` (
	`id` integer PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`reference` text NOT NULL,
	`set_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`set_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_conversations_key` ON `chat_conversations` (`platform`,`kind`,`key`);--> statement-breakpoint
ALTER TABLE `people` ADD `email` text;