ALTER TABLE `revisions` ADD `video` text;--> statement-breakpoint
ALTER TABLE `revisions` ADD `youtube` text;