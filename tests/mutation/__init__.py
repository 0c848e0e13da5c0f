"""A mutation check of the test suite: ``python -m tests.mutation`` plants known bugs, one at a time, in a
temporary copy of the project and reports how many of them the relevant tests catch (run on demand only)."""
