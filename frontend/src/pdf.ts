// pdf.js is large: it loads, with its worker, the first time a deck is shown.
export interface PdfDoc {
  numPages: number
  getPage(n: number): Promise<any>
  destroy(): void
}

let lib: Promise<any> | null = null

export async function loadPdf(data: ArrayBuffer): Promise<PdfDoc> {
  if (!lib) {
    lib = Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([m, w]) => {
      m.GlobalWorkerOptions.workerSrc = w.default
      return m
    })
  }
  const m = await lib
  // isEvalSupported: false keeps pdf.js from trying eval, which the
  // Content-Security-Policy forbids (it would log a violation).
  return m.getDocument({ data, isEvalSupported: false }).promise
}
