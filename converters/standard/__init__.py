"""Raw tables → standardized tables: column mapping to the catalogue's forms, normalization, checks, review flags."""
