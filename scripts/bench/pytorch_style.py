#!/usr/bin/env python3
"""The script a user would write instead of stylerun: one process, ffmpeg decode pipe -> TransformerNet on
CUDA (fp32) -> x264 pipe, audio copied. Same network and weights as stylerun's built-in `matta` (the ml5
checkpoint in models/ml5-matta, read as models/ml5/transformer-net.ts and FORMAT.md describe it).

Usage: python3 scripts/bench/pytorch_style.py IN.mp4 OUT.mp4 [--ffmpeg ffmpeg] [--batch 4]
Prints one line: frames, wall seconds, ms/frame of the network alone."""
import argparse, json, os, subprocess, sys, time
import numpy as np
import torch
import torch.nn.functional as F

CKPT = os.path.join(os.path.dirname(__file__), '..', '..', 'models', 'ml5-matta')
EPS = 1e-3

def var(i):
    name = 'Variable' if i == 0 else f'Variable_{i}'
    meta = json.load(open(os.path.join(CKPT, 'manifest.json')))[name]
    a = np.fromfile(os.path.join(CKPT, meta['filename']), dtype='<f4').reshape(meta['shape'])
    return torch.from_numpy(a.copy())

# (kind, kernel, stride, relu, residual-start) in order; layer i owns variables 3i, 3i+1 (shift), 3i+2 (scale)
LAYERS = [('c', 9, 1, True, None), ('c', 3, 2, True, None), ('c', 3, 2, True, None)]
for b in range(5):
    LAYERS += [('c', 3, 1, True, None), ('c', 3, 1, False, 3 + 2 * b)]
LAYERS += [('t', 3, 2, True, None), ('t', 3, 2, True, None), ('c', 9, 1, False, None)]

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w, self.beta, self.gamma = [], [], []
        for i, (kind, k, s, relu, res) in enumerate(LAYERS):
            w = var(3 * i)
            w = w.permute(3, 2, 0, 1).contiguous()  # HWIO -> OIHW; transposed (H,W,out,in) -> (in,out,H,W)
            self.w.append(torch.nn.Parameter(w, requires_grad=False))
            self.beta.append(torch.nn.Parameter(var(3 * i + 1), requires_grad=False))
            self.gamma.append(torch.nn.Parameter(var(3 * i + 2), requires_grad=False))
        self.w, self.beta, self.gamma = map(torch.nn.ParameterList, (self.w, self.beta, self.gamma))

    def forward(self, x):
        inputs = {}
        for i, (kind, k, s, relu, res) in enumerate(LAYERS):
            inputs[i] = x
            if kind == 'c':
                if s == 1:
                    x = F.conv2d(F.pad(x, (k // 2,) * 4), self.w[i])
                else:  # TF SAME, stride 2, kernel 3: pad 0 before, 1 after
                    x = F.conv2d(F.pad(x, (0, 1, 0, 1)), self.w[i], stride=2)
            else:  # full transposed conv (2h+1) cropped to its first 2h rows/cols
                x = F.conv_transpose2d(x, self.w[i], stride=2)[:, :, : 2 * inputs[i].shape[2], : 2 * inputs[i].shape[3]]
            x = F.instance_norm(x, weight=self.gamma[i], bias=self.beta[i], eps=EPS)
            if res is not None:
                x = x + inputs[res]
            if relu:
                x = F.relu(x)
        return torch.clamp(torch.tanh(x) * 150 + 127.5, 0, 255)

def main():
    p = argparse.ArgumentParser()
    p.add_argument('input'); p.add_argument('output')
    p.add_argument('--ffmpeg', default='ffmpeg'); p.add_argument('--batch', type=int, default=4)
    a = p.parse_args()
    t0 = time.time()
    probe = subprocess.run([a.ffmpeg, '-hide_banner', '-i', a.input], capture_output=True, text=True).stderr
    import re
    m = re.search(r'Video: .*?, (\d{2,5})x(\d{2,5})', probe)
    w, h = int(m.group(1)), int(m.group(2))
    fps = re.search(r'([\d.]+) fps', probe).group(1)
    dec = subprocess.Popen([a.ffmpeg, '-v', 'error', '-i', a.input, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], stdout=subprocess.PIPE)
    enc = subprocess.Popen([a.ffmpeg, '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{w}x{h}', '-r', fps, '-i', 'pipe:0',
                            '-i', a.input, '-map', '0:v', '-map', '1:a?', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18',
                            '-pix_fmt', 'yuv420p', '-c:a', 'copy', a.output], stdin=subprocess.PIPE)
    net = Net().cuda().eval()
    ph, pw = (h + 3) // 4 * 4, (w + 3) // 4 * 4
    frame_bytes, frames, net_s = w * h * 3, 0, 0.0
    with torch.inference_mode():
        while True:
            buf = dec.stdout.read(frame_bytes * a.batch)
            if not buf:
                break
            n = len(buf) // frame_bytes
            x = torch.frombuffer(bytearray(buf[: n * frame_bytes]), dtype=torch.uint8).cuda().view(n, h, w, 3)
            torch.cuda.synchronize(); t = time.time()
            x = x.permute(0, 3, 1, 2).float()
            x = F.pad(x, (0, pw - w, 0, ph - h), mode='replicate')
            y = net(x)[:, :, :h, :w].round().to(torch.uint8).permute(0, 2, 3, 1).contiguous()
            torch.cuda.synchronize(); net_s += time.time() - t
            enc.stdin.write(y.cpu().numpy().tobytes())
            frames += n
    enc.stdin.close(); enc.wait(); dec.wait()
    print(f'pytorch frames={frames} wall_s={time.time() - t0:.2f} net_ms_per_frame={1000 * net_s / max(frames, 1):.1f}')
    sys.exit(enc.returncode or dec.returncode)

if __name__ == '__main__':
    main()
