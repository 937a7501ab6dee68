/** Vite's `?url` imports: the URL of the file in the built page. */
declare module '*?url' {
  const url: string;
  export default url;
}
