ALTER TABLE `revisions` ADD `images` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `revisions` ADD `variants` text DEFAULT '{}' NOT NULL;