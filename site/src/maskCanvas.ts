/**
 * Draws a mask picture (src/browser/maskPicture.ts) on a canvas, one pixel per cell, scaled up by CSS
 * without smoothing: the darker the blue, the larger the cell's fraction of kept weights; orange marks weights
 * that entered the forward set at the last refresh.
 */
import type { MaskPicture } from '../../src/browser/maskPicture.js';

const EMPTY = [255, 255, 255];
const KEPT = [31, 78, 121];
const ENTERED = [242, 142, 43];

export function drawMask(canvas: HTMLCanvasElement, picture: MaskPicture): void {
  canvas.width = picture.width;
  canvas.height = picture.height;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(picture.width, picture.height);
  // Fractions are small at high sparsity: a square root spreads them over the shades.
  const shade = (value: number) => Math.sqrt(value / 255);
  for (let cell = 0; cell < picture.kept.length; cell++) {
    const kept = shade(picture.kept[cell]!);
    const entered = Math.min(1, 2 * shade(picture.entered[cell]!));
    for (let c = 0; c < 3; c++) {
      const blue = EMPTY[c]! + (KEPT[c]! - EMPTY[c]!) * kept;
      image.data[4 * cell + c] = blue + (ENTERED[c]! - blue) * entered;
    }
    image.data[4 * cell + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}
