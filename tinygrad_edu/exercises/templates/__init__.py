"""The exercise files, as handed out (`tinygrad-edu exercise start NAME`)."""
