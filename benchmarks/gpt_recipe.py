"""nanoGPT's CPU recipe on Shakespeare, tinygrad_edu next to PyTorch: the same model
(tinygrad_edu.models.GPT and a PyTorch forward on its weights), the same initial weights (the
hand-off: PyTorch starts from tinygrad_edu's state_dict), the same batches, learning-rate
schedule, gradient clipping and AdamW groups. Reports each engine's CPU time of the training
steps and its validation loss.

    python -m benchmarks.gpt_recipe                     # 2,000 iterations, both engines, one thread
    python -m benchmarks.gpt_recipe --iters 200 --engines tinygrad_edu
"""
from __future__ import annotations

import argparse
import time

from tinygrad_edu import _random
from tinygrad_edu.recipes.language import LanguageRun, gpt_for, nanogpt_loop, recipe, shakespeare_data, train_gpt

from .workloads.gpt import torch_gpt


def train_torch(weights: dict, config, tokenizer, train, val, r: dict, seed: int, progress: bool) -> LanguageRun:
    """The recipe in PyTorch, from `weights` (GPT.state_dict() arrays)."""
    import torch
    import torch.nn.functional as TF
    torch.manual_seed(seed)
    params = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items() if k != "lm_head.weight"}
    forward = torch_gpt(params, config)
    decay = [p for p in params.values() if p.dim() >= 2]
    no_decay = [p for p in params.values() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": r["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}], lr=r["lr"], betas=r["betas"])

    def loss_of(x, y):
        logits = forward(torch.from_numpy(x))
        return TF.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1))

    def train_step(x, y) -> float:
        loss = loss_of(x, y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params.values(), r["grad_clip"])
        opt.step()
        return loss.item()

    def batch_loss(x, y) -> float:
        with torch.no_grad():
            return loss_of(x, y).item()

    def set_lr(lr):
        for group in opt.param_groups:
            group["lr"] = lr
    return nanogpt_loop(train_step, batch_loss, set_lr, train, val, r, seed, progress, LanguageRun(None, tokenizer),
                        desc="tiny GPT (PyTorch)")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpt_recipe", description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--engines", nargs="+", default=["tinygrad_edu", "torch"], choices=["tinygrad_edu", "torch"])
    parser.add_argument("--threads", type=int, default=1, help="BLAS and PyTorch threads (default 1)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits
    limit = threadpool_limits(args.threads)   # noqa: F841 (kept alive for the run)
    r = recipe(max_iters=args.iters)
    tokenizer, train, val = shakespeare_data()
    print(f"text: {len(train) + len(val):,} characters, {tokenizer.vocab_size} distinct; recipe: {r}")
    _random.manual_seed(args.seed)
    initial = gpt_for(tokenizer, r).state_dict()
    runs = {}
    for engine in args.engines:
        start = time.perf_counter()
        if engine == "torch":
            import torch
            torch.set_num_threads(args.threads)
            runs[engine] = train_torch(initial, gpt_for(tokenizer, r).config, tokenizer, train, val, r, args.seed,
                                       not args.no_progress)
        else:
            runs[engine] = train_gpt(max_iters=args.iters, seed=args.seed, progress=not args.no_progress,
                                     sample_tokens=0, initial=initial,
                                     **{k: v for k, v in r.items() if k != "max_iters"})
        run = runs[engine]
        print(f"{engine}: validation loss {run.val_loss:.4f} (train {run.evals[-1][1]:.4f}) after {args.iters} "
              f"iterations; CPU time: training {run.seconds:.1f} s ({run.seconds / args.iters * 1e3:.1f} ms/iter), "
              f"evaluating {run.eval_seconds:.1f} s; wall {time.perf_counter() - start:.0f} s", flush=True)
    if len(runs) == 2:
        ours, theirs = runs["tinygrad_edu"], runs["torch"]
        print(f"tinygrad_edu / PyTorch: {ours.seconds / theirs.seconds:.2f}× the CPU time of the training steps; "
              f"validation loss {ours.val_loss:.4f} vs {theirs.val_loss:.4f}")
    return runs


if __name__ == "__main__":
    main()
