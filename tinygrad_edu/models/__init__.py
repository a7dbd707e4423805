"""Ready-made sequence models, shared by the examples, the notebook, the tests and the
benchmarks: a character-level recurrent language model (Embedding → LSTM or GRU → Linear) and a
tiny GPT (nanoGPT's architecture), with sampling."""
from .char_rnn import CharRNN
from .gpt import GPT, GPTConfig
from .sampling import generate, sample_next

__all__ = ["CharRNN", "GPT", "GPTConfig", "generate", "sample_next"]
