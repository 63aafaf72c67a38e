// The camera half of enrollment by QR code (src/app/scan.rs), run by the
// app through Dioxus' eval: a few frames a second of the <video
// id="qr-video"> preview go to the app as grey pixels. Decoding happens in
// Rust, so it works where the webview has a camera but no BarcodeDetector.
// The app stops the camera by taking the preview off the page; nothing
// here waits on dioxus.recv(), which liveview implements as a busy wait.
const MAX_SIDE = 480;
let video = null;
for (let i = 0; i < 40 && !video; i++) {
  video = document.getElementById("qr-video");
  if (!video) await new Promise((r) => setTimeout(r, 50));
}
if (!video || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
  dioxus.send({ error: "unavailable" });
  return;
}
let stream;
try {
  stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: "environment" },
    audio: false,
  });
} catch (e) {
  dioxus.send({ error: e && e.name === "NotAllowedError" ? "denied" : "unavailable" });
  return;
}
try {
  video.srcObject = stream;
  await video.play().catch(() => {});
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  while (document.body.contains(video)) {
    await new Promise((r) => setTimeout(r, 250));
    const w0 = video.videoWidth;
    const h0 = video.videoHeight;
    if (!w0 || !h0) continue;
    const scale = Math.min(1, MAX_SIDE / Math.max(w0, h0));
    const w = Math.round(w0 * scale);
    const h = Math.round(h0 * scale);
    canvas.width = w;
    canvas.height = h;
    context.drawImage(video, 0, 0, w, h);
    const rgba = context.getImageData(0, 0, w, h).data;
    const grey = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      grey[i] = (rgba[4 * i] * 77 + rgba[4 * i + 1] * 150 + rgba[4 * i + 2] * 29) >> 8;
    }
    let binary = "";
    for (let i = 0; i < grey.length; i += 8192) {
      binary += String.fromCharCode.apply(null, grey.subarray(i, i + 8192));
    }
    dioxus.send({ w: w, h: h, grey: btoa(binary) });
  }
} finally {
  stream.getTracks().forEach((t) => t.stop());
  if (video.isConnected) video.srcObject = null;
}
