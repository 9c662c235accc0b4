DROP INDEX `publications_open_due`;--> statement-breakpoint
CREATE INDEX `publications_open_due` ON `publications` (`status`,`due_at`) WHERE status IN ('scheduled', 'held', 'publishing');--> statement-breakpoint
ALTER TABLE `revisions` ADD `video` text;--> statement-breakpoint
ALTER TABLE `revisions` ADD `youtube` text;