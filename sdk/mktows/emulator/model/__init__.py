"""The emulator's data model on top of the SQLite store: leads, activities, lists, MObjects, campaigns."""
