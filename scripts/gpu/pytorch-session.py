#!/usr/bin/env python3
"""The PyTorch side of scripts/gpu/cuda-session.ts, in the same run: ms/frame of the same TransformerNet (matta's
weights) on CUDA fp32, at batch 1 and 4, (a) uint8 frames from host memory in and out, as a user's script and a
stylerun rank move them, and (b) the network alone on tensors already on the GPU.
Usage: python3 scripts/gpu/pytorch-session.py   (SIZES=720x720,1280x720 RUNS=20)"""
import json, os, sys, time
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'bench'))
from pytorch_style import Net

sizes = [tuple(map(int, s.split('x'))) for s in os.environ.get('SIZES', '720x720,1280x720').split(',')]
runs = int(os.environ.get('RUNS', '20'))
net = Net().cuda().eval()
with torch.inference_mode():
    for w, h in sizes:
        for batch in (1, 4):
            host = torch.randint(0, 256, (batch, h, w, 3), dtype=torch.uint8).pin_memory()
            def step():
                x = host.cuda(non_blocking=True).permute(0, 3, 1, 2).float()
                return net(x).round().to(torch.uint8).permute(0, 2, 3, 1).contiguous().cpu()
            dev = host.cuda().permute(0, 3, 1, 2).float()
            for name, fn in (('uint8 host in/out', step), ('network alone, on the GPU', lambda: net(dev))):
                for _ in range(3): fn()
                torch.cuda.synchronize(); t = time.time()
                for _ in range(runs): fn()
                torch.cuda.synchronize()
                ms = 1000 * (time.time() - t) / runs / batch
                print(json.dumps({'provider': 'pytorch-cuda-fp32', 'size': f'{w}x{h}', 'variant': name, 'batch': batch, 'msPerFrame': round(ms, 2)}), flush=True)
