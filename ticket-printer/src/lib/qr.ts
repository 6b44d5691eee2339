import QRCode from 'qrcode';

/** An e-ticket link as an SVG QR code (crisp at any size, no canvas needed). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, color: { dark: '#000000', light: '#ffffff' } });
}
