"""Results: tidy tables from a solution, IAMC export, writers and the printed summary."""
