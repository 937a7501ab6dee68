/** The name the page fetches the Fashion-MNIST subset under, beside index.html (vite.config.ts puts it there). */
export const DATA_FILE_NAME = 'fashion-mnist-subset.bin.gz';
