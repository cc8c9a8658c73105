// The language server's entry point (dist/server.js): a connection over the transport the client
// chose (IPC when started by the extension), served by NextWordServer.

import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { NextWordServer } from './nextWordServer';

const connection = createConnection(ProposedFeatures.all);
new NextWordServer(connection);
connection.listen();
