"""Sizes of the real models the exercises ask about, each with its source, in one place."""

# GPT-2 small (Radford et al., 2019; the released 124M checkpoint's config): 50,257 tokens, 1,024 positions.
GPT2_VOCAB, GPT2_CONTEXT, GPT2_D_MODEL = 50257, 1024, 768
