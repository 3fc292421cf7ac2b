"""hub-media: images for posts, people and sections, with signed renditions."""
