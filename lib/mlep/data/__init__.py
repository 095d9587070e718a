"""The data lifecycle: datasets, validation, labeling, features, lineage, feature stores."""
