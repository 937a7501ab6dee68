"""Load a `topkast export` (dense safetensors) into PyTorch, and save PyTorch weights for `topkast train --init`.

Needs only torch (no `safetensors` package): the format is 8 bytes of header length, a JSON header, the data.
With Hugging Face's package installed, `safetensors.torch.load_file` / `save_file` do the same.

    python3 topkast_torch.py predict MODEL.safetensors PIXELS.f32 COUNT   # logits as JSON, one row per example
    python3 topkast_torch.py resave MODEL.safetensors OUT.safetensors bf16 # the model's state_dict, for --init
"""
import json
import struct
import sys
from collections import OrderedDict

import torch

DTYPES = {'F32': torch.float32, 'F64': torch.float64, 'F16': torch.float16, 'BF16': torch.bfloat16,
          'I64': torch.int64, 'I32': torch.int32, 'U8': torch.uint8}


def load_safetensors(path):
    """(tensors by name, metadata) of a safetensors file."""
    with open(path, 'rb') as f:
        (length,) = struct.unpack('<Q', f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop('__metadata__', {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry['data_offsets']
        raw = bytearray(data[begin:end])
        values = torch.frombuffer(raw, dtype=DTYPES[entry['dtype']]) if raw else torch.empty(0)
        tensors[name] = values.reshape(entry['shape'])
    return tensors, metadata


def save_safetensors(path, tensors, metadata=None):
    """Writes tensors (a state_dict) as safetensors: no topkast checksum, which topkast accepts with a note."""
    names = {dtype: name for name, dtype in DTYPES.items()}
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        tensor = tensor.detach().contiguous().cpu()
        raw = tensor.view(torch.int16).numpy().tobytes() if tensor.dtype == torch.bfloat16 else tensor.numpy().tobytes()
        header[name] = {'dtype': names[tensor.dtype], 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header['__metadata__'] = metadata
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(chunks))


class Normalize(torch.nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean, self.std = mean, std

    def forward(self, x):
        return (x - self.mean) / self.std


def build_model(architecture):
    """The torch.nn.Sequential of an export's `architecture` metadata, its modules named as topkast's layers."""
    modules = OrderedDict()
    for index, layer in enumerate(architecture):
        kind = layer['kind']
        if kind in ('linear', 'conv2d'):
            name = layer['weight']['name'][:-len('.weight')]
            shape, bias = layer['weight']['shape'], layer['bias'] is not None
            if kind == 'linear':
                modules[name] = torch.nn.Linear(shape[1], shape[0], bias=bias)
            else:
                modules[name] = torch.nn.Conv2d(shape[1], shape[0], shape[2:], stride=layer['stride'],
                                                padding=layer['padding'], bias=bias)
            continue
        modules[f'{kind}_{index}'] = {
            'normalize': lambda: Normalize(layer.get('mean'), layer.get('std')),
            'unflatten': lambda: torch.nn.Unflatten(1, layer.get('shape')),
            'flatten': lambda: torch.nn.Flatten(),
            'relu': lambda: torch.nn.ReLU(),
            'gelu': lambda: torch.nn.GELU(approximate='tanh'),
            'maxpool2d': lambda: torch.nn.MaxPool2d(layer.get('kernel'), layer.get('stride')),
        }[kind]()
    return torch.nn.Sequential(modules)


def load_model(path):
    """The exported model, ready for inference: input [batch, C·H·W] of pixels/255, output logits."""
    tensors, metadata = load_safetensors(path)
    model = build_model(json.loads(metadata['architecture']))
    model.load_state_dict({name: tensor.float() for name, tensor in tensors.items()})
    return model.eval()


if __name__ == '__main__':
    command, model_file = sys.argv[1], sys.argv[2]
    model = load_model(model_file)
    if command == 'predict':
        count = int(sys.argv[4])
        pixels = torch.frombuffer(bytearray(open(sys.argv[3], 'rb').read()), dtype=torch.float32).reshape(count, -1)
        with torch.no_grad():
            print(json.dumps(model(pixels).tolist()))
    elif command == 'resave':
        dtype = {'f32': torch.float32, 'f16': torch.float16, 'bf16': torch.bfloat16}[sys.argv[4]]
        save_safetensors(sys.argv[3], {name: tensor.to(dtype) for name, tensor in model.state_dict().items()})
