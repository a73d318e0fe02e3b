"""The reusable versions of what the lectures build, for later lectures to import.

Each lecture writes its piece in the notebook first; a test checks that the notebook's version and the
one here agree, under the same name. Lecture 1: `simple_tokenizer`, `text_to_ids`, `windows`;
Lectures 3–4: `positions`; Lecture 4: `race` (its stored results); Lecture 5: `segments`; Lecture 6: `input_embedding`.
"""
