console.log('gclab: placeholder entry, replaced by the CLI');
