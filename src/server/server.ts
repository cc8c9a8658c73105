// The language server's entry point (dist/server.js): a connection over the transport the client
// chose (IPC when started by the extension), served by NextWordServer with its model persisted.

import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { NextWordServer } from './nextWordServer';
import { SnapshotStore } from './snapshotStore';

const connection = createConnection(ProposedFeatures.all);
new NextWordServer(connection, { createSnapshotStore: (storagePath) => new SnapshotStore(storagePath) });
connection.listen();
