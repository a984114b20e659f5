/**
 * The entry of `resources/tfjs/studio-layers.js`, the standalone file a TF.js export of a model
 * with the studio's own layers ships: it registers them with the page's (or process's) global
 * `tf` (the `@tensorflow/tfjs` bundle), so stock `tf.loadLayersModel` reads the model. Built by
 * `npm run build:layers` (scripts/bundle-studio-layers.ts); a test checks the file is current.
 */
import { registerCustomLayers } from './register-layers';

registerCustomLayers();
