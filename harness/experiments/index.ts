/** Registers the built-in experiment kinds. A new kind is a new module here plus one line below. */
import { experimentKinds } from '../registry';
import { asymmetricValley } from './asymmetric-valley';
import { bnHessianOutliers } from './bn-hessian-outliers';
import { criticalPointSearch } from './critical-point-search';
import { dlaeAnalytic } from './dlae-analytic';
import { equioutputSymmetries } from './equioutput-symmetries';
import { lineScan } from './line-scan';
import { optimiserInterpolation } from './optimiser-interpolation';
import { quarticNewtonMr } from './quartic-newton-mr';
import { segmentScan } from './segment-scan';
import { skipConnectionLandscape } from './skip-connection-landscape';
import { slqVsExact } from './slq-vs-exact';
import { swaValleyNetwork } from './swa-valley-network';
import { xorLocalMinima } from './xor-local-minima';

experimentKinds.register(lineScan);
experimentKinds.register(segmentScan);
experimentKinds.register(quarticNewtonMr);
experimentKinds.register(dlaeAnalytic);
experimentKinds.register(criticalPointSearch);
experimentKinds.register(equioutputSymmetries);
experimentKinds.register(asymmetricValley);
experimentKinds.register(slqVsExact);
experimentKinds.register(xorLocalMinima);
experimentKinds.register(bnHessianOutliers);
experimentKinds.register(swaValleyNetwork);
experimentKinds.register(skipConnectionLandscape);
experimentKinds.register(optimiserInterpolation);
